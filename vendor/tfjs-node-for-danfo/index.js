// danfojs-node requires "@tensorflow/tfjs-node" for its tensor maths; the plain tfjs package serves it.
module.exports = require("@tensorflow/tfjs");
