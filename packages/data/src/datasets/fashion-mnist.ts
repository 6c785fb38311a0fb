import type { ImageArray } from '../image-array.js';
import { loadMnistData, MNIST, type MNISTOptions, type MnistSpec } from './mnist.js';

export const FASHION_MNIST_SPEC: MnistSpec = {
  name: 'FashionMNIST',
  folder: 'FashionMNIST',
  mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
  checksums: {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
  },
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

/** Zalando's Fashion-MNIST, like torchvision.datasets.FashionMNIST: MNIST's layout under `root/FashionMNIST/raw/`. */
export class FashionMNIST<X = ImageArray, Y = number> extends MNIST<X, Y> {
  static override async load<X = ImageArray, Y = number>(
    options: MNISTOptions<X, Y> = {},
  ): Promise<FashionMNIST<X, Y>> {
    return new FashionMNIST(await loadMnistData(FASHION_MNIST_SPEC, options), FASHION_MNIST_SPEC.classes, options);
  }
}
