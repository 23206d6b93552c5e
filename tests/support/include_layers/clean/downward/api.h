#pragma once
#include "study/analysis.h"
