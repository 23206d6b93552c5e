  #  include   "io/filter.h"
