// libevdev for Swift: the library header plus the kernel input codes.
#ifndef VLATERM_CEVDEV_SHIM_H
#define VLATERM_CEVDEV_SHIM_H
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <sys/inotify.h>
#include <errno.h>
#include <fcntl.h>

// struct input_event's time field is spelled differently on 32-bit time64 builds; these hide that.
static inline long vt_input_event_sec(const struct input_event *ev) { return (long)ev->input_event_sec; }
static inline long vt_input_event_usec(const struct input_event *ev) { return (long)ev->input_event_usec; }

// Flags for open(2) are macros whose values Swift can read, but keep the combination in one place.
static inline int vt_evdev_open_flags(void) { return O_RDONLY | O_NONBLOCK | O_CLOEXEC; }
static inline int vt_inotify_flags(void) { return IN_NONBLOCK | IN_CLOEXEC; }
static inline unsigned int vt_inotify_mask(void) { return IN_CREATE | IN_ATTRIB | IN_DELETE; }
#endif
