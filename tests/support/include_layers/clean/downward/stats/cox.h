#pragma once
#include "error.h"
#include "stats/timefix.h"
// #include "study/analysis.h" in a line comment is not an include
/* a block comment may name one:
#include "io/spec.h"
*/
