#pragma once
#include "io/spec.h"
