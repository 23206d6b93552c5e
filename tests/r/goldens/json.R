# JSON writer for the goldens. Numbers: IEEE doubles written with the shortest
# of 15, 16 or 17 significant digits that reads back to the same double;
# NA, NaN and +-Inf are null. A list with names is an object, without names an
# array; an atomic vector of length 1 is a scalar unless wrapped in I().

fmt_num <- function(x) {
  out <- rep("null", length(x))
  ok <- is.finite(x)
  if (is.integer(x)) {
    out[ok] <- as.character(x[ok])
    return(out)
  }
  v <- x[ok]
  s <- sprintf("%.15g", v)
  bad <- as.numeric(s) != v
  if (any(bad)) s[bad] <- sprintf("%.16g", v[bad])
  bad <- as.numeric(s) != v
  if (any(bad)) s[bad] <- sprintf("%.17g", v[bad])
  out[ok] <- s
  out
}

fmt_str <- function(x) {
  out <- rep("null", length(x))
  ok <- !is.na(x)
  if (any(ok)) {
    out[ok] <- vapply(x[ok], function(s) as.character(jsonlite::toJSON(s, auto_unbox = TRUE)), "")
  }
  out
}

to_json <- function(x, indent = 0L) {
  pad <- strrep(" ", indent)
  pad1 <- strrep(" ", indent + 1L)
  if (is.null(x)) return("null")
  if (is.factor(x)) x <- as.character(x)
  if (is.list(x)) {
    nm <- names(x)
    if (length(x) == 0L) return(if (is.null(nm)) "[]" else "{}")
    parts <- vapply(seq_along(x), function(i) to_json(x[[i]], indent + 1L), "")
    if (!is.null(nm) && all(nzchar(nm))) {
      parts <- paste0(pad1, fmt_str(nm), ": ", parts)
      return(paste0("{\n", paste(parts, collapse = ",\n"), "\n", pad, "}"))
    }
    return(paste0("[\n", paste0(pad1, parts, collapse = ",\n"), "\n", pad, "]"))
  }
  as_array <- inherits(x, "AsIs") || length(x) != 1L
  x <- unclass(x)
  attributes(x) <- NULL
  vals <- if (is.logical(x)) ifelse(is.na(x), "null", ifelse(x, "true", "false"))
          else if (is.numeric(x)) fmt_num(x)
          else fmt_str(as.character(x))
  if (as_array) paste0("[", paste(vals, collapse = ", "), "]") else vals
}

write_golden <- function(x, path) {
  writeLines(to_json(x), path, useBytes = TRUE)
}

# Helpers that fix the shape of what is written.
arr <- function(x) I(unname(if (is.factor(x)) as.character(x) else x))
num_or_null <- function(x) if (length(x) == 0L) NA_real_ else unname(x)

# Matrices are {rownames, colnames, rows}; dimnames absent in R give [].
mat_json <- function(m) {
  m <- as.matrix(m)
  rn <- rownames(m); cn <- colnames(m)
  list(rownames = arr(if (is.null(rn)) character(0) else rn),
       colnames = arr(if (is.null(cn)) character(0) else cn),
       rows = lapply(seq_len(nrow(m)), function(i) arr(as.vector(m[i, ]))))
}
