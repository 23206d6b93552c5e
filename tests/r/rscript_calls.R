# Lists every function an R script can call, read from its parse tree (not
# from its text), for tests/node/rscript_safety.test.mjs: the generated R
# script must call only what the generator itself writes.
#
#   Rscript tests/r/rscript_calls.R script.R [script.R ...]
#
# Prints one JSON object: {"<script>": {"calls": [...]}} or, when R cannot
# parse the script, {"<script>": {"error": "..."}}.
#
# What counts as a call of f:
# - f(...) for a name f, including operators (`<-`, `[[`, `{`, `function`,
#   `~`, ...) and a name written in backquotes or as a string ("f"(...)),
#   which R's parser turns into the same name;
# - pkg::f(...) as "pkg::f", pkg:::f(...) as "pkg:::f";
# - a call whose function is itself computed (g()(...), x$f(...),
#   (function() ...)()) as "<computed>", and its parts are walked;
# - a function handed to a function that calls it: the FUN/f/what argument of
#   lapply, sapply, vapply, mapply, Map, Filter, Reduce, do.call, outer,
#   apply, tapply, match.fun, and every handler of tryCatch and
#   withCallingHandlers, when it is a name, a string or pkg::f;
#   (a function computed there, as do.call(paste0("sys", "tem"), ...), is
#   "<computed>"; a function written in place is walked);
# - a name or pkg::f assigned to a variable (x <- system), when it names a
#   function and the script never assigns that name itself (d <- raw, where
#   raw is the script's data frame, is not a call of base::raw);
# - library(pkg) / require(pkg) / requireNamespace(pkg) / loadNamespace(pkg)
#   as "library:pkg" (etc.), so only the expected packages can be loaded, and
#   call("f", ...), which builds a call of f for a formula, as "call:f".
# Calls inside formulas, quote(), function bodies and default arguments are
# walked like any other code.
suppressPackageStartupMessages({
  library(jsonlite)
  library(survival)
  library(MatchIt)
  library(maxstat)
})

higher_order <- list(lapply = "FUN", sapply = "FUN", vapply = "FUN", mapply = "FUN", Map = "f",
                     Filter = "f", Reduce = "f", do.call = "what", outer = "FUN", apply = "FUN",
                     tapply = "FUN", match.fun = "FUN")
handlers <- c("tryCatch", "withCallingHandlers")
named_by_first_arg <- c("library", "require", "requireNamespace", "loadNamespace", "call")
assignments <- c("<-", "<<-", "=", "->", "->>")

is_missing_arg <- function(x) is.symbol(x) && identical(as.character(x), "")

# The name a function reference stands for, or NULL when it is not a plain
# reference (a name, a string, pkg::f or pkg:::f).
ref_name <- function(x) {
  if (is.symbol(x) && !is_missing_arg(x)) return(as.character(x))
  if (is.character(x) && length(x) == 1) return(x)
  if (is.call(x) && is.symbol(x[[1]]) && as.character(x[[1]]) %in% c("::", ":::") && length(x) == 3)
    return(paste0(as.character(x[[2]]), as.character(x[[1]]), as.character(x[[3]])))
  NULL
}

# Matches a call's arguments to the function's formals when that function is
# known, so positional and named arguments are found alike.
matched <- function(fname, x) {
  f <- tryCatch(get(fname, mode = "function", envir = baseenv()), error = function(e) NULL)
  if (is.null(f) || is.primitive(f)) return(x)
  tryCatch(match.call(f, x, expand.dots = TRUE), error = function(e) x)
}

# Every name the script assigns (x <- ..., x = ..., for (x in ...), function
# arguments): such a name is the script's own variable.
assigned_names <- function(x) {
  if (is.expression(x) || is.pairlist(x) || is.list(x)) {
    xs <- as.list(x); out <- character()
    for (i in seq_along(xs)) if (!is_missing_arg(xs[[i]])) out <- c(out, assigned_names(xs[[i]]))
    return(out)
  }
  if (!is.call(x)) return(character())
  head <- if (is.symbol(x[[1]])) as.character(x[[1]]) else ""
  own <- character()
  if (head %in% c("<-", "<<-", "=") && is.symbol(x[[2]])) own <- as.character(x[[2]])
  if (head %in% c("->", "->>") && is.symbol(x[[3]])) own <- as.character(x[[3]])
  if (head == "for" && is.symbol(x[[2]])) own <- as.character(x[[2]])
  if (head == "function" && !is.null(x[[2]])) own <- names(x[[2]])
  c(own, assigned_names(as.list(x)))
}
assigned <- character()

is_function_name <- function(name) {
  if (grepl(":::?", name)) return(TRUE)
  exists(name, mode = "function", envir = parent.env(globalenv()))
}

# The names found so far (an environment: no copying while walking).
found <- new.env(hash = TRUE)
add <- function(name) assign(name, TRUE, envir = found)

walk <- function(x) {
  if (is.expression(x) || is.pairlist(x) || (is.list(x) && !is.object(x))) {
    return(walk_each(as.list(x)))
  }
  if (!is.call(x)) return(invisible())
  head <- x[[1]]
  fname <- ref_name(head)
  if (is.null(fname)) {
    add("<computed>")
    walk(head)
  } else {
    if (fname %in% named_by_first_arg) {
      first <- if (length(x) >= 2) matched(fname, x)[[2]] else NULL
      arg <- if (is.null(first) || is_missing_arg(first)) NULL else ref_name(first)
      add(paste0(fname, ":", if (is.null(arg)) "<computed>" else arg))
    } else {
      add(fname)
    }
  }
  args <- as.list(x)[-1]
  if (is.null(fname)) {
    # nothing more to learn from the arguments' roles
  } else if (!is.null(higher_order[[fname]])) {
    m <- as.list(matched(fname, x))[-1]
    fun <- m[[higher_order[[fname]]]]
    if (!is.null(fun) && !is_missing_arg(fun)) {
      written_here <- is.call(fun) && identical(fun[[1]], as.name("function"))
      if (!is.null(ref_name(fun))) add(ref_name(fun))
      else if (!written_here) add("<computed>")
    }
  } else if (fname %in% handlers) {
    nm <- names(args)
    for (i in seq_along(args)) {
      if (!is.null(nm) && nzchar(nm[i]) && !(nm[i] %in% c("expr", "finally")) &&
          !is_missing_arg(args[[i]]) && !is.null(ref_name(args[[i]])))
        add(ref_name(args[[i]]))
    }
  } else if (fname %in% assignments && length(args) == 2) {
    value <- if (fname %in% c("->", "->>")) args[[1]] else args[[2]]
    v <- ref_name(value)
    if (!is.null(v) && (is.symbol(value) || is.call(value)) && is_function_name(v) && !(v %in% assigned))
      add(v)
  }
  if (identical(fname, "function")) {
    # `function`(formals, body[, srcref]): default arguments and the body.
    if (!is.null(x[[2]])) walk(as.list(x[[2]]))
    return(walk(x[[3]]))
  }
  if (!is.null(fname) && fname %in% c("::", ":::")) return(invisible())
  walk_each(args)
}
# By index: a loop variable bound to an empty argument (x[i, ]) cannot be read.
walk_each <- function(xs) {
  for (i in seq_along(xs)) if (!is_missing_arg(xs[[i]])) walk(xs[[i]])
}

out <- list()
for (f in commandArgs(trailingOnly = TRUE)) {
  out[[f]] <- tryCatch({
    exprs <- parse(f, keep.source = FALSE, encoding = "UTF-8")
    assigned <<- unique(assigned_names(exprs))
    rm(list = ls(found, all.names = TRUE), envir = found)
    walk(exprs)
    list(calls = I(sort(ls(found, all.names = TRUE), method = "radix")))
  }, error = function(e) list(error = conditionMessage(e)))
}
cat(toJSON(out, auto_unbox = TRUE), "\n")
