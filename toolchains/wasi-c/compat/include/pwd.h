/* <pwd.h> for wasm32-wasi: there is no user database; lookups find nobody.
 * Part of Cleanroom's WASI C compat layer (written for Cleanroom). */
#ifndef _PWD_H
#define _PWD_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct passwd {
	char *pw_name;
	char *pw_passwd;
	uid_t pw_uid;
	gid_t pw_gid;
	char *pw_gecos;
	char *pw_dir;
	char *pw_shell;
};

struct passwd *getpwuid(uid_t);
struct passwd *getpwnam(const char *);

#ifdef __cplusplus
}
#endif

#endif
