import { loadModel, nn, saveModel, type tf, useBackend } from '@trainkit/core';

await useBackend();

class Net extends nn.Module {
  features = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU());
  head: nn.Module = new nn.Linear(8, 3);
  forward(x: tf.Tensor): tf.Tensor {
    return (this.head as nn.Linear).call(this.features.call(x));
  }
}
nn.registerModuleClass(Net); // as importable for torch.load: loadModel finds the class by this name

const model = new Net();
model.head = new nn.Linear(8, 10); // edits made after construction are saved too
model.features.requiresGrad_(false);
await saveModel(model, 'net.safetensors'); // torch.save(model, 'net.pth')

const loaded = await loadModel<Net>('net.safetensors'); // torch.load('net.pth')
console.log(
  loaded instanceof Net,
  (loaded.head as nn.Linear).outFeatures,
  loaded.features.parameters()[0]?.requiresGrad,
);
// → true 10 false
