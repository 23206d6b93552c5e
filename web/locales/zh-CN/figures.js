// 简体中文: the figures and their exports (plots.js, figure_export.js, xlsx.js, units.js).
export default {
};
