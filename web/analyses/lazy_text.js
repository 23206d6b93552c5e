// A form field's attribute whose text needs values (a placeholder naming the
// engine's default: "0 = all"): a getter, so it is worded in the page's
// language each time the form is drawn (web/analysis_form.js reads attrs when
// it draws), and after a language switch too. Plain labels are keys that
// web/analyses/fields.js translates.
import { t } from '../i18n.js';

export function translatedAttr(field, attr, key, params) {
  const attrs = { ...field.attrs };
  Object.defineProperty(attrs, attr, { enumerable: true, get: () => t(key, params) });
  return { ...field, attrs };
}
