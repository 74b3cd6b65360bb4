/* helpers/testkit_env.c - the environment behind a bpfemu_test, for test
 * runners that drive it other than by packets (socket tests). */
#include "helpers/testkit_int.h"

struct helper_env *helper_tk_env(struct bpfemu_test *t)
{
    return t ? t->env : NULL;
}
