/* Included before each musl math source compiled for the native build (see
 * libm/CMakeLists.txt). glibc's <math.h> declares internal names (__sin,
 * __cos, ...) with other signatures than musl's kernels, so musl's are
 * renamed; musl's own <features.h> macros are supplied here. */
#include <math.h>
#define __sin musl_kernel_sin
#define __cos musl_kernel_cos
#define __tan musl_kernel_tan
#define __sinl musl_kernel_sinl
#define __cosl musl_kernel_cosl
#define __tanl musl_kernel_tanl
#define __signgam musl_signgam
#define hidden __attribute__((__visibility__("hidden")))
#define weak_alias(old, new) extern __typeof(old) new __attribute__((__weak__, __alias__(#old)))
