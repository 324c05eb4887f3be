'use strict';
/** Lambda entry point: the rotation protocol (rotation.js) bound to your provider (provider.js). */
const { createRotationHandler } = require('./rotation');

exports.handler = createRotationHandler(require('./provider'));
