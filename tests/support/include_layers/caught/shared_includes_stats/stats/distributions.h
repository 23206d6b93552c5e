#pragma once
#include "error.h"
