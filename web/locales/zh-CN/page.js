// 简体中文: the masthead, data input, run status, link, exports, report, results frame (index.html, app.js, page.js, data_input.js, client.js, share.js, exports.js, report.js, rows_used.js, results_view.js, assets.js).
export default {
  'page.language': '语言',
};
