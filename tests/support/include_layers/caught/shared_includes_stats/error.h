#pragma once
#include "stats/distributions.h"
