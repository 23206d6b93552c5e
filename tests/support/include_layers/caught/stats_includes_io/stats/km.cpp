#include "io/table.h"
