#include <stdio.h>

#include "redlua.h"

int main(void)
{
    printf("redlua-test (%s): not implemented yet\n", rl_emu_engine());
    return 2;
}
