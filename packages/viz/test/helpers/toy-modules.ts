import { nn, type Tensor, tf } from '@trainkit/core';

// Small modules written here on purpose (not core's layers), for summary cases that need odd structure:
// a module called twice, parameters owned by a container, a container that is never called itself.

/** y = x·Wᵀ + b with torch's weight layout [out, in]; the class name contains 'Linear' as torchinfo's rule wants. */
export class ToyLinear extends nn.Module {
  readonly weight: nn.Parameter;
  readonly bias: nn.Parameter;
  constructor(inFeatures: number, outFeatures: number) {
    super();
    this.weight = new nn.Parameter(tf.randomNormal([outFeatures, inFeatures], 0, 0.1));
    this.bias = new nn.Parameter(tf.zeros([outFeatures]));
  }
  forward(x: Tensor): Tensor {
    return tf.add(tf.matMul(x, this.weight.data, false, true), this.bias.data);
  }
}

/** A module that runs the same child twice (torchinfo shows the second call as (recursive)). */
export class Twice extends nn.Module {
  readonly fc: ToyLinear = new ToyLinear(4, 4);
  forward(x: Tensor): Tensor {
    return this.fc.call(tf.relu(this.fc.call(x)));
  }
}

/** Parameters on the container itself plus a child: the container row shows its leftover (own) parameters. */
export class Scaled extends nn.Module {
  readonly scale: nn.Parameter = new nn.Parameter(tf.ones([3]));
  readonly inner: ToyLinear = new ToyLinear(3, 3);
  forward(x: Tensor): Tensor {
    return this.inner.call(tf.mul(x, this.scale.data));
  }
}

/** Children kept in a ModuleList that is iterated, not called: torchinfo inserts the list's row itself. */
export class ListNet extends nn.Module {
  readonly blocks: nn.ModuleList = new nn.ModuleList([new ToyLinear(2, 3), new ToyLinear(3, 2)]);
  forward(x: Tensor): Tensor {
    let y = x;
    for (const b of this.blocks) y = (b as ToyLinear).call(y);
    return y;
  }
}
