  #  include   "study/filter.h"
