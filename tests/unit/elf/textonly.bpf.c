// SPDX-License-Identifier: GPL-2.0
/* ELF loader fixture: code in .text only, no SEC() (how uBPF and rbpf users
 * build objects): the global function is the program, the static one its
 * subprogram. */
static __attribute__((noinline)) int twice(int x)
{
	return x * 2;
}

int entry(int *ctx)
{
	return twice(*ctx) + 1;
}
