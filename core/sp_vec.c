/* sp_vec: room in growing malloc'd arrays; see sp_vec.h. */
#include <stdint.h>
#include <string.h>

#include "sp_error.h"
#include "sp_vec.h"

int sp_vec_reserve(void *pptr, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return SP_OK;
    size_t grown = *cap ? *cap : (first ? first : 1);
    while (grown < need)
        grown = grown > SIZE_MAX / 2 ? need : 2 * grown;
    if (size && grown > SIZE_MAX / size)
        return sp_error_set(SP_ENOMEM, "out of memory");
    void *old;
    memcpy(&old, pptr, sizeof old); /* pptr is a T **: object pointers share one representation */
    void *v = sp_realloc(old, grown * size);
    if (!v)
        return SP_ENOMEM;
    memcpy(pptr, &v, sizeof v);
    *cap = grown;
    return SP_OK;
}
