// zlib, for fast PNG compression in the LeRobot exporter.
#ifndef VLATERM_CZLIB_SHIM_H
#define VLATERM_CZLIB_SHIM_H
#include <zlib.h>
#endif
