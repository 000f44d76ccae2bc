module.exports = require('../../jest.node.js')(__dirname, 'logging');
