import type { ImageObservation } from '../../../../engine/model.js';
import { parseImageReference } from '../../parse-image-reference.js';
import { asString } from '../../unknown-shape.js';
import type { WorkloadView } from '../workload-view.js';

/**
 * Every container's image (init containers too: a migration job's image is part of a release), for
 * `version` findings across environments. Observes no keys.
 */
export const imageView: WorkloadView = {
  name: 'image',
  resources: [],
  keys: [],
  revertTargets: [],
  start(scope) {
    return {
      observe(workload) {
        const images: ImageObservation[] = [];
        for (const container of workload.containers) {
          const image = asString(container.spec['image']);
          if (image === undefined) continue;
          const { repository, tag, digest } = parseImageReference(image);
          images.push({
            workload: workload.ref,
            namespace: workload.object.namespace,
            container: container.name,
            application: container.application,
            image,
            repository,
            ...(tag === undefined ? {} : { tag }),
            ...(digest === undefined ? {} : { digest }),
            // Images are part of the pod template, as env values are: the closest layer the model has.
            provenance: scope.provenance(workload.object, 'env', `${workload.ref} container ${container.name}`, [...container.fieldPath, 'f:image']),
          });
        }
        return { images };
      },
    };
  },
};
