/* The differential drivers' random numbers: splitmix64, tiny and seedable,
 * so a failing run is replayed from the seed it prints. Each driver that
 * includes this has its own state; it sets rnd_state to its seed. */
#ifndef RL_DIFF_RAND_H
#define RL_DIFF_RAND_H

#include <stdint.h>

static uint64_t rnd_state;

static inline uint64_t rnd(void)
{
    uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* 0 .. n-1. */
static inline unsigned rn(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* True pct times in 100. */
static inline int chance(unsigned pct)
{
    return rn(100) < pct;
}

#endif
