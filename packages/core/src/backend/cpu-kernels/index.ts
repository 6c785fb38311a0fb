export { CPU_KERNELS, registerCpuKernels, registeredCpuKernels, unregisterCpuKernels } from './register-cpu-kernels.js';
