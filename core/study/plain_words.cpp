#include "study/plain_words.h"

#include <cctype>
#include <cstring>

namespace localsurv {
namespace {

bool starts_with(const std::string& s, std::size_t at, const char* prefix) {
  return s.compare(at, std::strlen(prefix), prefix) == 0;
}

std::string listed(const std::vector<std::string>& items) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += i + 1 == items.size() ? " and " : ", ";
    s += items[i];
  }
  return s;
}

// The coefficients a kernel message lists as "15 (rt_primary1)" (Cox) or by
// name (logistic separation), in the reader's words; `all_covariates` tells
// whether leaving them out of the covariates is a remedy.
struct Named {
  std::vector<std::string> labels;
  bool all_covariates = true;
};

Named named_in(const std::string& text, const Vocabulary& v, bool parenthesised) {
  Named out;
  std::vector<const Vocabulary::Coefficient*> found;
  for (const auto& c : v.coefficients) {
    const std::string key = parenthesised ? "(" + c.name + ")" : c.name;
    std::size_t at = text.find(key);
    // Unparenthesised names must stand alone ("age" is not in "stage").
    while (!parenthesised && at != std::string::npos) {
      const bool left = at == 0 || (at >= 2 && text.compare(at - 2, 2, ", ") == 0) ||
                        (at >= 5 && text.compare(at - 5, 5, " and ") == 0);
      const std::size_t end = at + key.size();
      const bool right = end == text.size() || text.compare(end, 2, ", ") == 0 ||
                         text.compare(end, 5, " and ") == 0 || text.compare(end, 1, " ") == 0;
      if (left && right) break;
      at = text.find(key, at + 1);
    }
    if (at == std::string::npos) continue;
    found.push_back(&c);
    out.all_covariates = out.all_covariates && c.covariate;
  }
  // A factor with every level named is the column itself ("celltype").
  for (std::size_t i = 0; i < found.size(); ++i) {
    const std::string& term = found[i]->term;
    auto of_term = [&](const Vocabulary::Coefficient& c) {
      return !term.empty() && c.term == term;
    };
    std::size_t in_vocabulary = 0, named = 0;
    for (const auto& c : v.coefficients) in_vocabulary += of_term(c);
    for (const auto* c : found) named += of_term(*c);
    if (in_vocabulary > 1 && named == in_vocabulary) {
      if (i == 0 || !of_term(*found[i - 1])) out.labels.push_back(term);
    } else {
      out.labels.push_back(found[i]->label);
    }
  }
  if (out.labels.empty()) {
    out.all_covariates = false;
    if (!parenthesised) return out;
    // No vocabulary: the names as the kernel wrote them.
    for (std::size_t open = text.find(" ("); open != std::string::npos;
         open = text.find(" (", open + 1)) {
      const std::size_t close = text.find(')', open);
      if (close == std::string::npos) break;
      out.labels.push_back(text.substr(open + 2, close - open - 2));
    }
  }
  return out;
}

// "(R: ...)" at the end of a kernel message is R's wording: the detail.
Said split_r_wording(const std::string& m) {
  const std::size_t at = m.rfind(" (R: ");
  if (at == std::string::npos || m.back() != ')') return {m, ""};
  return {m.substr(0, at), m.substr(at + 5, m.size() - at - 6)};
}

// "the treated group (lt = 1)"; cut groups' levels say it themselves
// ("the treated group (bed > 60)").
std::string arm_label(const Vocabulary& v, std::size_t arm) {
  const std::string name = arm ? "the treated group" : "the control group";
  if (v.group_levels.size() != 2) return name;
  return name + " (" + (v.group_column.empty() ? "" : v.group_column + " = ") +
         v.group_levels[arm] + ")";
}

std::string control_label(const Vocabulary& v) { return arm_label(v, 0); }
std::string treated_label(const Vocabulary& v) { return arm_label(v, 1); }

Said cox_singular(const std::string& where, const std::string& rest, const Vocabulary& v) {
  const std::size_t end = rest.find(": the column is constant");
  const std::string r = rest.substr(0, end);
  const Named n = named_in(r, v, true);
  const bool one = n.labels.size() == 1;
  return {where + listed(n.labels) + (one ? " has" : " have") +
              " no estimable hazard ratio (NA): among the patients in this model " +
              (one ? "it is" : "they are") +
              " constant or a combination of other terms (collinear)" +
              (n.all_covariates
                   ? "; leave " + std::string(one ? "it" : "one of them") + " out of the covariates"
                   : std::string()),
          r};
}

Said cox_infinite(const std::string& where, const std::string& rest, const Vocabulary& v) {
  const std::size_t end = rest.find(" (e.g.");
  const std::string r = rest.substr(0, end);
  const Named n = named_in(r.substr(0, r.find(';')), v, true);
  const bool one = n.labels.size() == 1;
  return {where + "the hazard ratio of " + listed(n.labels) + (one ? " may be" : " may each be") +
              " infinite (for example, a level in which no patient, or every patient, has the "
              "event): " +
              (one ? "its" : "their") +
              " hazard ratio, confidence interval and Wald p are not reliable (the model's "
              "likelihood-ratio test, in the result JSON, still is)" +
              (n.all_covariates
                   ? "; leave " + std::string(one ? "it" : "them") + " out of the covariates if " +
                         (one ? "it" : "they") + " cannot be estimated"
                   : std::string()),
          r};
}

Said separation(const std::string& where, const std::string& rest, const Vocabulary& v) {
  const std::string outcome = v.treatment.empty() ? "the outcome" : v.treatment;
  const std::string same = v.treatment.empty() ? "outcome" : "treatment";
  const bool complete = starts_with(rest, 0, "complete");
  const std::string body = rest.substr(rest.find("separation: ") + 12);
  const char* together = "the covariates together predict the outcome perfectly for ";
  if (starts_with(body, 0, together)) {
    const std::string tail = body.substr(std::strlen(together));
    const std::string counts = tail.substr(0, tail.find(" rows"));  // "N of M"
    const std::size_t open = tail.find("(the coefficients of ");
    std::string blown;
    if (open != std::string::npos) {
      const Named n =
          named_in(tail.substr(open + 21, tail.find(" have run off") - open - 21), v, false);
      if (!n.labels.empty()) blown = " (the coefficients of " + listed(n.labels) + " run off)";
    }
    return {where + "the covariates together predict " + outcome + " perfectly for " + counts +
                " patients" + blown +
                ", so the propensity model's estimates are not meaningful (no maximum "
                "likelihood estimate exists): leave out the covariates that nearly determine " +
                outcome,
            ""};
  }
  const std::size_t verb = body.find(" predict");
  Named n = named_in(body.substr(0, verb), v, false);
  if (n.labels.empty()) n.labels = {body.substr(0, verb)};
  const bool one = n.labels.size() == 1;
  return {where + listed(n.labels) + (one ? " predicts " : " each predict ") + outcome +
              " perfectly" +
              (complete ? std::string(one ? " on its own" : " on their own")
                        : " in part of " + std::string(one ? "its" : "their") +
                              " range (for a factor: a level in which every patient has the "
                              "same " +
                              same + ")") +
              ", so the propensity model's estimates are not meaningful (no maximum likelihood "
              "estimate exists): leave " +
              (one ? "it" : "them") + " out of the covariates",
          ""};
}

}  // namespace

std::string name_groups(const std::string& m, const std::vector<std::string>& levels) {
  static const std::pair<const char*, int> kPrefixes[] = {
      {"group level code ", 0}, {"group code ", 0}, {"group ", 0}, {"Group ", 1}};
  static const std::pair<const char*, std::size_t> kOrdinals[] = {{"the first group (code 0)", 0},
                                                                  {"the second group (code 1)", 1}};
  std::string out;
  std::size_t at = 0;
  // One left-to-right pass: text already substituted is never scanned again.
  while (at < m.size()) {
    bool replaced = false;
    for (const auto& [text, code] : kOrdinals) {
      if (code >= levels.size() || !starts_with(m, at, text)) continue;
      out += "group '" + levels[code] + "'";
      at += std::strlen(text);
      replaced = true;
      break;
    }
    for (const auto& [prefix, base] : kPrefixes) {
      if (replaced) break;
      const std::size_t len = std::strlen(prefix);
      if (m.compare(at, len, prefix) != 0) continue;
      std::size_t end = at + len, digits = end;
      while (digits < m.size() && digits - end < 9 &&
             std::isdigit(static_cast<unsigned char>(m[digits])))
        ++digits;
      if (digits == end) continue;
      const long code = std::stol(m.substr(end, digits - end)) - base;  // at most 9 digits
      if (code < 0 || code >= static_cast<long>(levels.size())) continue;
      out += "group '" + levels[static_cast<std::size_t>(code)] + "'";
      at = digits;
      replaced = true;
    }
    if (!replaced) out += m[at++];
  }
  return out;
}

Said plain_warning(const std::string& kernel_message, const Vocabulary& v) {
  const std::string m = name_groups(kernel_message, v.group_levels);
  static const char* const kMarkers[] = {
      "X matrix deemed to be singular; variable ",
      "Loglik converged before variable ",
      "Ran out of iterations and did not converge",
      "one or more coefficients may be infinite",
      "glm.fit: fitted probabilities numerically 0 or 1 occurred",
      "glm.fit: algorithm did not converge",
      "glm.fit: algorithm stopped at boundary value",
      "step size truncated",
      "complete separation: ",
      "Chi-squared approximation may be incorrect",
      "Fewer control units than treated units",
      "Not all treated units will get ",
      "No exact-match stratum holds both",
      "No treated unit has a control within the caliper",
      "There are no treated units",
      "There are no control units",
      "unit is in the sample (weight > 0)",
      "Proportional-hazards test for ",
      "fewer than two units in each group"};
  std::size_t at = std::string::npos;
  const char* marker = nullptr;
  for (const char* k : kMarkers) {
    std::size_t p = m.find(k);
    if (p == std::string::npos) continue;
    // "quasi-complete separation: " starts six letters earlier.
    if (std::strcmp(k, "complete separation: ") == 0 && p >= 6 &&
        m.compare(p - 6, 6, "quasi-") == 0)
      p -= 6;
    if (p < at) at = p, marker = k;
  }
  if (!marker) return split_r_wording(m);
  // Text before the marker says where (a subgroup level, the interaction model).
  const std::string where = m.substr(0, at), rest = m.substr(at);
  const std::string outcome = v.treatment.empty() ? "the outcome" : v.treatment;
  const std::string model =
      v.treatment.empty() ? "the logistic model" : "the propensity model of " + outcome;
  const std::string k = marker;
  if (k == kMarkers[0]) return cox_singular(where, rest, v);
  if (k == kMarkers[1]) return cox_infinite(where, rest, v);
  if (k == kMarkers[2])
    return {where +
                "the model did not converge: its estimates are not reliable (usually a level "
                "with very few patients or events)",
            rest};
  if (k == kMarkers[3]) return {where + "one or more hazard ratios may be infinite", rest};
  if (k == kMarkers[4])
    return {where + model +
                " fits probabilities of 0 or 1 for some patients: the covariates predict " +
                "their treatment (nearly) perfectly, so comparable patients may not exist for "
                "them (see the separation warning, if any, for the covariate to leave out)",
            rest};
  if (k == kMarkers[5])
    return {where + model +
                " did not converge: its coefficients are not reliable (often because a covariate "
                "predicts it perfectly)",
            rest};
  if (k == kMarkers[6])
    return {where + model +
                " stopped at a boundary value: its coefficients are not reliable (often because "
                "a covariate predicts it perfectly)",
            rest};
  if (k == kMarkers[7])
    return {where + model +
                " diverged and its steps were shortened: check the covariates for extreme values",
            rest};
  if (k == kMarkers[8]) return separation(where, rest, v);
  if (k == kMarkers[9])
    return {where +
                "an expected count is below 5, so the chi-square p may be inaccurate: use "
                "Fisher's exact p (Table 1 shows it in that case)",
            rest};
  if (k == kMarkers[10])
    return {where + "fewer patients in " + control_label(v) + " than in " + treated_label(v) +
                (rest.find("strata") != std::string::npos ? " in some exact-match strata" : "") +
                ": some treated patients get no match (matching with replacement would match "
                "every one of them)",
            rest};
  if (k == kMarkers[11]) {
    const std::string count = rest.substr(std::strlen(kMarkers[11]));
    return {where + "not every patient of " + treated_label(v) + " can get " +
                count.substr(0, count.find(' ')) + " controls: some get fewer",
            rest};
  }
  if (k == kMarkers[12])
    return {where + "no set of patients alike on the exact-match columns" +
                (v.exact.empty() ? std::string() : " (" + listed(v.exact) + ")") +
                " holds both treated and control patients, so nobody was matched: match exactly "
                "on fewer columns",
            ""};
  if (k == kMarkers[13])
    return {where + "no patient of " + treated_label(v) +
                " has a control within the caliper, so nobody was matched: widen the caliper "
                "(0 = no caliper)",
            ""};
  if (k == kMarkers[14] || k == kMarkers[15])
    return {where + "there are no patients in " +
                (k == kMarkers[14] ? treated_label(v) : control_label(v)) +
                ", so nobody can be matched",
            ""};
  if (k == kMarkers[16]) {
    // "no treated unit is in the sample": only after matching, when nobody was matched.
    const bool treated =
        where.size() >= 11 && where.compare(where.size() - 11, 11, "no treated ") == 0;
    return {"no patient of " + (treated ? treated_label(v) : control_label(v)) +
                " is in the matched sample: balance after matching cannot be compared",
            ""};
  }
  if (k == kMarkers[17]) {
    // cox_zph names a test by its term (the column) or its coefficient
    // ("lt1"), as R's cox.zph table does; the reader knows "lt = 1".
    const std::size_t from = std::strlen(kMarkers[17]), to = rest.find(" not computed");
    if (to == std::string::npos) return {m, ""};
    const std::string name = rest.substr(from, to - from);
    for (const auto& c : v.coefficients)
      if (c.name == name && c.label != name)
        return {where + kMarkers[17] + c.label + rest.substr(to), rest};
    return {m, ""};
  }
  return {where +
              "fewer than two patients in a group of the sample: standardized differences, "
              "variance ratios and eCDF statistics are not available",
          ""};
}

Said plain_error(const std::string& what, const std::string& kernel_message) {
  std::size_t i = 0;
  while (i < kernel_message.size() &&
         (std::islower(static_cast<unsigned char>(kernel_message[i])) ||
          std::isdigit(static_cast<unsigned char>(kernel_message[i])) || kernel_message[i] == '_'))
    ++i;
  const bool named = i > 0 && kernel_message.compare(i, 2, ": ") == 0;
  const Said s = split_r_wording(named ? kernel_message.substr(i + 2) : kernel_message);
  return {what + " could not be computed: " + s.message, kernel_message};
}

}  // namespace localsurv
