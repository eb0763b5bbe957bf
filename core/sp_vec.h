/* sp_vec: room in growing malloc'd arrays, the one growth rule of the
 * readers and builders that push elements one at a time.
 *
 * sp_vec_reserve(&ptr, &cap, need, sizeof *ptr, first) makes the array ptr
 * (of cap elements) hold at least need: the capacity starts at `first` and
 * doubles.  ptr is any T * (pptr is its address, a T **); cap is a size_t.
 * On failure the array and cap are unchanged, SP_ENOMEM is recorded and
 * returned (the caller still owns and frees ptr).  SP_VEC_RESERVE is the
 * same with the size taken from the pointer, and no call when there is room.
 * Limits on the count (int indices, file formats) are the caller's. */
#ifndef SP_VEC_H
#define SP_VEC_H

#include <stddef.h>

int sp_vec_reserve(void *pptr, size_t *cap, size_t need, size_t size, size_t first);

#define SP_VEC_RESERVE(ptr, cap, need, first)                                                  \
    ((need) <= (cap) ? 0 : sp_vec_reserve(&(ptr), &(cap), (need), sizeof *(ptr), (first)))

#endif
