// MuJoCo 2.2 (Debian libmujoco-dev). No pkg-config file: the module map links "mujoco".
//
// Why this header has code: MuJoCo reports fatal errors through the C global `mju_user_error`, and
// when it is unset MuJoCo prints, writes MUJOCO_LOG.TXT and calls exit(). A handler that returns lets
// MuJoCo carry on with broken state, so ours records the message and longjmps back to a C frame that
// set a trap (vt_mj_*_trapped below). No Swift frame ever sits between setjmp and longjmp: the trapped
// wrappers call straight into MuJoCo.
//
// Caveat: `static inline` functions (and their function-local statics) are emitted once per object
// file that uses them. Swift code must therefore make every call to the vt_mj_* functions from ONE
// source file (Sources/Simulator/MuJoCoWorld.swift), so handler and traps share one copy of the state.
#ifndef VLATERM_CMUJOCO_SHIM_H
#define VLATERM_CMUJOCO_SHIM_H
#include <mujoco/mujoco.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct vt_mj_trap {
    jmp_buf env;
} vt_mj_trap;

#define VT_MJ_MESSAGE_SIZE 1024

/// The innermost active trap on this thread (NULL when none).
static inline vt_mj_trap **vt_mj_trap_slot(void) {
    static _Thread_local vt_mj_trap *slot = NULL;
    return &slot;
}

/// Last MuJoCo error message on this thread.
static inline char *vt_mj_error_text(void) {
    static _Thread_local char text[VT_MJ_MESSAGE_SIZE];
    return text;
}

/// Last MuJoCo warning message on this thread, and how many warnings were seen in total.
static inline char *vt_mj_warning_text(void) {
    static _Thread_local char text[VT_MJ_MESSAGE_SIZE];
    return text;
}
static inline long *vt_mj_warning_count(void) {
    static _Thread_local long count = 0;
    return &count;
}
/// Errors raised with no trap active (MuJoCo then continues; the caller must treat its data as broken).
static inline long *vt_mj_untrapped_error_count(void) {
    static _Thread_local long count = 0;
    return &count;
}

static void vt_mj_on_error(const char *msg) {
    char *text = vt_mj_error_text();
    strncpy(text, msg ? msg : "(no message)", VT_MJ_MESSAGE_SIZE - 1);
    text[VT_MJ_MESSAGE_SIZE - 1] = 0;
    vt_mj_trap *trap = *vt_mj_trap_slot();
    if (trap) longjmp(trap->env, 1);
    (*vt_mj_untrapped_error_count())++;
}

static void vt_mj_on_warning(const char *msg) {
    char *text = vt_mj_warning_text();
    strncpy(text, msg ? msg : "(no message)", VT_MJ_MESSAGE_SIZE - 1);
    text[VT_MJ_MESSAGE_SIZE - 1] = 0;
    (*vt_mj_warning_count())++;
}

/// Routes MuJoCo's errors and warnings to the handlers above (idempotent).
static inline void vt_mj_install_handlers(void) {
    mju_user_error = vt_mj_on_error;
    mju_user_warning = vt_mj_on_warning;
}

typedef void (*vt_mj_model_data_fn)(const mjModel *, mjData *);

/// Calls fn(m, d) under a trap. Returns 0, or -1 when MuJoCo raised an error (message in vt_mj_error_text).
static inline int vt_mj_call_trapped(vt_mj_model_data_fn fn, const mjModel *m, mjData *d) {
    vt_mj_trap trap;
    vt_mj_trap *const previous = *vt_mj_trap_slot();
    if (setjmp(trap.env) != 0) {
        *vt_mj_trap_slot() = previous;
        return -1;
    }
    *vt_mj_trap_slot() = &trap;
    fn(m, d);
    *vt_mj_trap_slot() = previous;
    return 0;
}

/// n calls of mj_step in a plain C loop under one trap: MuJoCo's own stepping speed, the benchmark's peer.
static inline int vt_mj_step_n_trapped(const mjModel *m, mjData *d, int n) {
    vt_mj_trap trap;
    vt_mj_trap *const previous = *vt_mj_trap_slot();
    if (setjmp(trap.env) != 0) {
        *vt_mj_trap_slot() = previous;
        return -1;
    }
    *vt_mj_trap_slot() = &trap;
    for (int i = 0; i < n; i++) mj_step(m, d);
    *vt_mj_trap_slot() = previous;
    return 0;
}

/// mj_makeData under a trap; NULL on error.
static inline mjData *vt_mj_make_data_trapped(const mjModel *m) {
    vt_mj_trap trap;
    vt_mj_trap *const previous = *vt_mj_trap_slot();
    if (setjmp(trap.env) != 0) {
        *vt_mj_trap_slot() = previous;
        return NULL;
    }
    *vt_mj_trap_slot() = &trap;
    mjData *d = mj_makeData(m);
    *vt_mj_trap_slot() = previous;
    return d;
}

/// Compiles MJCF held in memory: the text goes into a heap-allocated VFS (mjVFS is ~2 MB) as
/// "vlaterm-scene.xml", and mj_loadXML runs under a trap. NULL on failure with the reason in `error`.
static inline mjModel *vt_mj_load_xml_string(const char *xml, int length, char *error, int error_size) {
    static const char *name = "vlaterm-scene.xml";
    if (error && error_size > 0) error[0] = 0;
    mjVFS *vfs = (mjVFS *)malloc(sizeof(mjVFS));
    if (!vfs) {
        if (error && error_size > 0) strncpy(error, "out of memory for the MuJoCo VFS", error_size - 1);
        return NULL;
    }
    mj_defaultVFS(vfs);
    if (mj_makeEmptyFileVFS(vfs, name, length) != 0) {
        free(vfs);
        if (error && error_size > 0) strncpy(error, "could not create the in-memory MJCF file", error_size - 1);
        return NULL;
    }
    int index = mj_findFileVFS(vfs, name);
    if (index < 0) {
        mj_deleteVFS(vfs);
        free(vfs);
        if (error && error_size > 0) strncpy(error, "in-memory MJCF file vanished", error_size - 1);
        return NULL;
    }
    memcpy(vfs->filedata[index], xml, (size_t)length);

    mjModel *volatile model = NULL;
    vt_mj_trap trap;
    vt_mj_trap *const previous = *vt_mj_trap_slot();
    if (setjmp(trap.env) != 0) {
        *vt_mj_trap_slot() = previous;
        if (error && error_size > 0) {
            strncpy(error, vt_mj_error_text(), error_size - 1);
            error[error_size - 1] = 0;
        }
        mj_deleteVFS(vfs);
        free(vfs);
        return NULL;
    }
    *vt_mj_trap_slot() = &trap;
    model = mj_loadXML(name, vfs, error, error_size);
    *vt_mj_trap_slot() = previous;
    mj_deleteVFS(vfs);
    free(vfs);
    return model;
}

static inline int vt_mj_warning_number(const mjData *d, int which) {
    if (which < 0 || which >= mjNWARNING) return 0;
    return d->warning[which].number;
}
static inline void vt_mj_clear_warnings(mjData *d) {
    for (int i = 0; i < mjNWARNING; i++) {
        d->warning[i].number = 0;
        d->warning[i].lastinfo = 0;
    }
}
#endif
