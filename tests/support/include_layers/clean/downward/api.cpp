#include "api.h"
#include "error.h"
#include "io/spec.h"
