// libevdev for Swift: the library header plus the kernel input codes.
#ifndef VLATERM_CEVDEV_SHIM_H
#define VLATERM_CEVDEV_SHIM_H
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <sys/inotify.h>
#endif
