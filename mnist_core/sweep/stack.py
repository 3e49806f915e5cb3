"""k MLPs of one shape as stacked variables, with XLA-compiled SGD steps and evaluation.

Every weight is stacked over the networks (kernel (k, fan_in, units), bias (k, units)) and
every matmul is batched over k, so networks share no arithmetic. Each network's step is
exactly what Keras does for it alone: softmax cross-entropy from the logits, averaged over
the batch, plus λ·Σw² over the hidden kernels (keras.regularizers.L2), then plain SGD
w -= lr·∂loss/∂w; its gradient of λ·Σw² is the 2λw of weight decay.
"""

import numpy as np
import tensorflow as tf

from mnist_core.data import preprocess
from mnist_core.training import loop

# Measured (benchmarks/sweep.py, 2 cores): XLA makes the step of 500-300 networks about
# 1.2x faster (0.44 against 0.53 s per network-epoch, ~300 GFLOP/s); it compiles in ~2 s.
JIT_COMPILE = True


class StackedMlps:
    """Variables for k networks and the compiled functions that train and evaluate them.

    Compiling costs a few seconds for 500-300 networks, so one object serves every stack of
    the same size: load() puts a stack's starting weights into the same variables.
    """

    def __init__(self, hidden_units: tuple[int, ...], networks: int,
                 jit_compile: bool = JIT_COMPILE):
        widths = [preprocess.INPUT_PIXELS, *hidden_units, preprocess.NUM_CLASSES]
        shapes = [shape for fan_in, units in zip(widths, widths[1:], strict=False)
                  for shape in ((networks, fan_in, units), (networks, units))]
        self.hidden_units = tuple(hidden_units)
        self.networks = networks
        self.variables = [tf.Variable(tf.zeros(shape)) for shape in shapes]
        self.hidden_kernels = self.variables[0:-2:2]
        self.l2 = tf.Variable(tf.zeros(networks))
        self.train_steps = tf.function(self._train_steps, jit_compile=jit_compile,
                                       autograph=False)
        self.evaluate_batch = tf.function(self._evaluate_batch, jit_compile=jit_compile,
                                          autograph=False)

    def load(self, weights: list[list[np.ndarray]], l2_factors: list[float]) -> None:
        """weights[network][tensor], in Keras order; one stacked variable per tensor."""
        for variable, tensors in zip(self.variables, zip(*weights, strict=True), strict=True):
            variable.assign(np.stack(tensors))
        self.l2.assign(np.asarray(l2_factors, np.float32))

    def logits(self, images):  # (k or 1, batch, 784) -> (k, batch, 10)
        activations = images
        for kernel, bias in zip(self.variables[0:-2:2], self.variables[1:-2:2], strict=True):
            activations = tf.nn.relu(tf.matmul(activations, kernel) + bias[:, None, :])
        return tf.matmul(activations, self.variables[-2]) + self.variables[-1][:, None, :]

    def squared_norms(self):  # (k,) Σw² over the hidden kernels
        return tf.add_n([tf.reduce_sum(tf.square(kernel), axis=[1, 2])
                         for kernel in self.hidden_kernels])

    def penalty(self):  # (k,) λ·Σw², the term keras.regularizers.L2 adds to the loss
        return self.l2 * self.squared_norms()

    def _train_steps(self, images, labels, batches, count, learning_rate):
        """SGD on the first `count` of `batches` (steps, k, batch): indices into `images`.

        Returns per network the summed batch-mean cross-entropies, the correct predictions,
        and the penalty before and after. The penalty's gradient 2λw is added to the hidden
        kernels' gradients by hand, exactly as autodiff would; its value is not summed step by
        step, because that reduction alone made the step 30% slower under XLA.
        """
        batch_size = batches.shape[2]
        decayed = {id(kernel) for kernel in self.hidden_kernels}
        penalty_before = self.penalty()

        def step(index, cross_entropy_sum, correct):
            chosen = batches[index]  # (k, batch)
            targets = tf.gather(labels, chosen)
            with tf.GradientTape() as tape:
                logits = self.logits(tf.gather(images, chosen))
                cross_entropy = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(targets, logits), axis=1)
                # Networks share no weight, so each gets the gradient of its own loss only.
                total = tf.reduce_sum(cross_entropy)
            gradients = tape.gradient(total, self.variables)
            for variable, gradient in zip(self.variables, gradients, strict=True):
                if id(variable) in decayed:  # ∂(λ·Σw²)/∂w, computed as TensorFlow does
                    gradient += self.l2[:, None, None] * (2.0 * variable)
                variable.assign_sub(learning_rate * gradient)
            return (index + 1, cross_entropy_sum + cross_entropy,
                    correct + _hits(logits, targets))

        zeros = tf.zeros(batches.shape[1])
        _, cross_entropy_sum, correct = tf.while_loop(
            lambda index, *_: index < count, step, (tf.constant(0), zeros, zeros))
        return cross_entropy_sum * batch_size, correct, penalty_before, self.penalty()

    def _evaluate_batch(self, images, labels):  # images (batch, 784), the same for every net
        logits = self.logits(images[None])
        targets = tf.broadcast_to(labels, tf.shape(logits)[:2])
        cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(targets, logits)
        return tf.reduce_sum(cross_entropy, axis=1), _hits(logits, targets)

    def evaluate(self, images, labels) -> tuple[np.ndarray, np.ndarray]:
        """Per network: loss as Keras reports it (mean cross-entropy + L2 penalty), accuracy."""
        loss_sum = correct = 0.0
        for start in range(0, len(labels), loop.EVAL_BATCH_SIZE):
            batch = slice(start, start + loop.EVAL_BATCH_SIZE)
            batch_loss, batch_correct = self.evaluate_batch(images[batch], labels[batch])
            loss_sum, correct = loss_sum + batch_loss.numpy(), correct + batch_correct.numpy()
        penalty = self.penalty().numpy()
        return loss_sum / len(labels) + penalty, correct / len(labels)


def _hits(logits, targets):  # (k,) how many argmax predictions are right
    predicted = tf.argmax(logits, axis=-1, output_type=tf.int32)
    return tf.reduce_sum(tf.cast(tf.equal(predicted, targets), tf.float32), axis=1)
