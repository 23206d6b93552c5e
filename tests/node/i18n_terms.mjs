// Words a Chinese page keeps in Latin letters, as Chinese clinical papers do:
// statistical abbreviations, method and package names, file formats. The
// i18n tests (Node: a locale's texts; browser: what the page shows) accept a
// Latin word in the Chinese page only if it is one of these, data (a column
// name, a level, a display name, the file name) or R code.
export const LATIN_TERMS = new Set(
  `LocalSurv R HR HRs CI CIs SD SE IQR SMD Q1 Q3 p P n N NA NR df vs Cox Kaplan Meier Kaplan–Meier Kaplan-Meier
   log-rank logrank Efron Breslow Wald Yates Fisher Holm Bonferroni BH Hochberg Harrell Greenwood Peto Gehan
   maxstat MatchIt survival survminer stats coxph survfit survdiff cox.zph matchit glm logit probit ROC AUC Youden
   CSV TSV SVG PNG XLSX Excel JSON HTML PDF BED EQD2 Gy SHA-256 SHA PH Schoenfeld km rank identity log log-log plain
   quantile.survfit p.adjust chisq.test fisher.test t.test wilcox.test holm hochberg hommel bonferroni fdr
   UTF-8 Welch Wilcoxon Lausen Lau Hothorn Monte Carlo KM rho PSM SPSS SAS tableone Love Newton-Raphson IRLS ATE ATT Chromium Chrome Firefox Safari Edge URL dpi pt px in mm
   xlsx xls ods OpenDocument TRUE FALSE KB MB GB`.split(/\s+/).filter(Boolean),
);

// Latin words of a text that are neither terms nor in `allowed` (data):
// words of 2+ letters, split on anything that is not a letter, digit, '.', '-' or '–'.
export function untranslatedWords(text, allowed = new Set()) {
  // A letter right after a digit is part of a number (1e-9, 2x2), not a word.
  const words = String(text).match(/(?<![0-9A-Za-z])(?:[A-Za-z][A-Za-z0-9.\-–']*[A-Za-z0-9]|[A-Za-z]{2,})/g) ?? [];
  return words.filter((w) => {
    const bare = w.replace(/[.'-]+$/, '');
    return !LATIN_TERMS.has(bare) && !allowed.has(bare) && !allowed.has(w) && !bare.split(/[-–.]/).every((p) => !p || LATIN_TERMS.has(p) || allowed.has(p) || /^\d/.test(p));
  });
}

// R code and the spec's own syntax are not translated: calls with their
// arguments, formulas' right-hand sides, string literals (and "key": value
// pairs), name = "value" settings, and identifiers holding '_', '$' or '::'
// (fit$concordance, cutoff::roc, loglik_old) are taken out of a text before
// untranslatedWords looks at it.
export function withoutRCode(text) {
  let s = String(text);
  for (let prev = ''; s !== prev; ) {
    prev = s;
    s = s.replace(/[A-Za-z_.][\w.]*\((?:[^()]|\([^()]*\))*\)/g, ' ');
  }
  return s
    .replace(/~\s*[\w.]+(?:\s*[-+*:]\s*[\w.]+)*/g, ' ')
    .replace(/[\w.]+\s*=\s*"[^"\n]*"/g, ' ')
    .replace(/"[^"\n]*"(?:\s*:\s*\w+)?/g, ' ')
    .replace(/[^\s,;，；、：（）()]*(?:_|\$|::)[^\s,;，；、：（）()]*/g, ' ');
}
