// MuJoCo 2.2 (Debian libmujoco-dev). No pkg-config file: the module map links "mujoco".
#ifndef VLATERM_CMUJOCO_SHIM_H
#define VLATERM_CMUJOCO_SHIM_H
#include <mujoco/mujoco.h>
#endif
