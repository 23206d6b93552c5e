/* Storage for the sign of gamma that musl's lgamma() writes (renamed in
 * prelude.h so it cannot clash with glibc's signgam). */
int musl_signgam;
