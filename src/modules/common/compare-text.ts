export { compareText } from '../../platform/text/compare-text.js';
