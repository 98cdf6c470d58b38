/*
 * The differential test's stand-in for the kernel: modprobe runs for real (lookups, install commands,
 * soft dependencies, nested modprobe calls), but loading a module only records it. Like the kernel,
 * it refuses a module whose dependencies (modules.dep) are not loaded yet: a module needs their symbols.
 * Preloaded into modprobe with LD_PRELOAD; NODEIMAGE_LOAD_LOG names the file of loaded paths, which
 * modprobe's children (install commands) share.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static int loaded(const char *path) {
    const char *log = getenv("NODEIMAGE_LOAD_LOG");
    FILE *f = log ? fopen(log, "r") : NULL;
    char line[4096];
    int found = 0;
    if (f == NULL) return 0;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        found = strcmp(line, path) == 0;
    }
    fclose(f);
    return found;
}

/* The modules.dep line of a module, by its path relative to the tree; NULL when it has none. */
static char *depline(const char *tree, const char *relative) {
    char dep[4096], line[65536];
    snprintf(dep, sizeof dep, "%s/modules.dep", tree);
    FILE *f = fopen(dep, "r");
    size_t n = strlen(relative);
    char *out = NULL;
    if (f == NULL) return NULL;
    while (out == NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, relative, n) == 0 && line[n] == ':') {
            line[strcspn(line, "\n")] = '\0';
            out = strdup(line + n + 1);
        }
    }
    fclose(f);
    return out;
}

static long load(const char *path) {
    struct utsname u;
    char tree[512];
    uname(&u);
    snprintf(tree, sizeof tree, "/lib/modules/%s", u.release);
    const char *relative = path;
    const char *at = strstr(path, u.release);
    if (at != NULL && at[strlen(u.release)] == '/') relative = at + strlen(u.release) + 1;
    if (loaded(path)) { errno = EEXIST; return -1; }
    char *deps = depline(tree, relative);
    if (deps != NULL) {
        char *save = NULL;
        for (char *d = strtok_r(deps, " ", &save); d != NULL; d = strtok_r(NULL, " ", &save)) {
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", tree, d);
            /* The tree may be reached through /lib or /usr/lib: compare by what follows the release. */
            char alt[4096];
            snprintf(alt, sizeof alt, "/usr%s/%s", tree, d);
            if (!loaded(full) && !loaded(alt)) { free(deps); errno = ENOENT; return -1; }
        }
        free(deps);
    }
    const char *log = getenv("NODEIMAGE_LOAD_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f != NULL) { fprintf(f, "%s\n", path); fclose(f); }
    return 0;
}

static long load_fd(long fd) {
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%ld", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) { errno = EBADF; return -1; }
    path[n] = '\0';
    return load(path);
}

long syscall(long number, ...) {
    va_list ap;
    long a[6];
    va_start(ap, number);
    for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
    va_end(ap);
    if (number == SYS_finit_module) return load_fd(a[0]);
    if (number == SYS_init_module) { errno = ENOSYS; return -1; }
    long (*real)(long, ...) = (long (*)(long, ...)) dlsym(RTLD_NEXT, "syscall");
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int finit_module(int fd, const char *params, int flags) { return (int) load_fd(fd); }
