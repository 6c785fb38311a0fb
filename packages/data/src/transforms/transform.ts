/** A per-sample transform, like a torchvision transform: a plain function from one sample to the next. */
// biome-ignore lint/suspicious/noExplicitAny: the unparameterised Transform must accept every transform (parameters are contravariant)
export type Transform<I = any, O = any> = (x: I) => O;
