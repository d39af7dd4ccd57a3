// zstd, for MCAP chunk compression.
#ifndef VLATERM_CZSTD_SHIM_H
#define VLATERM_CZSTD_SHIM_H
#include <zstd.h>
#endif
