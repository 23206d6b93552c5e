#include "timefix.h"
