/* The list type's API: a double-ended queue of binary-safe strings with
 * O(1) (amortized) push and pop at both ends and O(1) access by index;
 * inserting or removing in the middle costs O(n), as in Redis.
 *
 * Ownership: a list owns its elements. Values pushed are copied; a popped
 * element is handed to the caller, who frees it with rl_str_free. Pointers
 * returned by rl_list_at are borrowed until the list is next modified. */
#ifndef REDLUA_EMULATOR_T_LIST_H
#define REDLUA_EMULATOR_T_LIST_H

#include <stddef.h>

#include "server.h"

/* Ends of a list (Redis's LIST_HEAD / LIST_TAIL). */
#define RL_LIST_HEAD 0
#define RL_LIST_TAIL 1

typedef struct rl_list rl_list;

/* A new, empty list object (RL_TYPE_LIST); free it with rl_obj_free. The
 * first call registers the list type's free/dup functions with object.c. */
rl_obj *rl_list_obj_new(void);

size_t rl_list_len(const rl_list *l);
/* Appends a copy of len bytes at p at the given end. */
void rl_list_push(rl_list *l, const char *p, size_t len, int where);
/* Removes the element at the given end and returns it (the caller frees it
 * with rl_str_free); NULL when the list is empty. */
rl_str *rl_list_pop(rl_list *l, int where);
/* The element at index i (0 <= i < len), borrowed. */
const rl_str *rl_list_at(const rl_list *l, size_t i);

#endif
