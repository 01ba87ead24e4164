/** A container image reference split into its parts. */
export interface ImageReference {
  /** Everything before the tag and digest, registry host and port included: `registry:5000/team/app`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:...` */
  readonly digest?: string;
}

/**
 * Splits `registry:5000/team/app:1.2.3@sha256:...` into repository, tag and digest.
 *
 * The tag is the last `:` after the last `/`, so a registry port is never mistaken for a tag. The
 * repository is kept as written (no `docker.io/library/` expansion): it is compared across
 * environments that write it the same way, and rewriting it would hide what is really deployed.
 */
export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const named = at === -1 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const repository = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : undefined;
  return {
    repository,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}
