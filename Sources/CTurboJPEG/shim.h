// libjpeg-turbo's TurboJPEG API, for foxglove.CompressedImage frames.
#ifndef VLATERM_CTURBOJPEG_SHIM_H
#define VLATERM_CTURBOJPEG_SHIM_H
#include <turbojpeg.h>
#endif
