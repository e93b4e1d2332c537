/* realpath() for jq under WASI: the toolchain's compat layer only stubs it (ENOSYS), and
 * jq then keeps its -L directories relative, so a module's own imports are searched in
 * "<module dir>/<-L dir>" and not found (jq's tests/modules: test_bind_order, c/c.jq).
 * This one does what POSIX realpath does on a filesystem without symbolic links: make the
 * path absolute from getcwd(), drop "." and "//", resolve "..", and fail with the error of
 * stat() when the result does not exist. Linked into jq as cleanroom_realpath (build-jq.sh
 * renames jq's calls with -Drealpath=cleanroom_realpath). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

char *cleanroom_realpath(const char *path, char *resolved) {
    char buf[PATH_MAX];
    size_t len;
    struct stat st;

    if (path == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (*path == '\0') {
        errno = ENOENT;
        return NULL;
    }
    if (path[0] == '/') {
        strcpy(buf, "/");
    } else if (getcwd(buf, sizeof buf) == NULL) {
        return NULL;
    }
    len = strlen(buf);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = '\0';
    for (const char *p = path; *p;) {
        const char *end;
        size_t n;
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        end = p;
        while (*end && *end != '/')
            end++;
        n = (size_t)(end - p);
        if (n == 1 && p[0] == '.') {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 1 && buf[len - 1] != '/')
                len--;
            if (len > 1)
                len--;
            buf[len] = '\0';
        } else {
            if (len + 1 + n + 1 > sizeof buf) {
                errno = ENAMETOOLONG;
                return NULL;
            }
            if (len > 1)
                buf[len++] = '/';
            memcpy(buf + len, p, n);
            len += n;
            buf[len] = '\0';
        }
        p = end;
    }
    if (stat(buf, &st) != 0)
        return NULL;
    if (resolved != NULL) {
        strcpy(resolved, buf);
        return resolved;
    }
    return strdup(buf);
}
