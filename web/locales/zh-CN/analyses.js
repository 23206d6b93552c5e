// 简体中文: the analyses' tables, notes and form fields (analyses/*.js, table_model.js, tables.js, format.js, names.js).
export default {
};
