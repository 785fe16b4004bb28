// One model in its several builds: the ONNX catalog entry and the WebLLM and GGUF builds that name
// it as `sameModelAs`. Auto picks among a family's builds, so the family is what the engine choice
// is made for. An id outside the catalog pairs with its GGUF build by the hubs' naming habit
// (`org/name` and `org/name-GGUF`), but only once that build is known here (it ran or is stored):
// a twin is never guessed into existence.
import type { EngineKind } from '../engines/types';
import { ALL_MODELS, findCatalogEntry } from './catalog';
import { engineOfModel } from './model-engine';

export interface FamilyMember {
  repoId: string;
  engine: EngineKind;
}

export interface ModelFamily {
  /** The ONNX entry (or the id without its `-GGUF` suffix) the builds are twins of. */
  base: string;
  /** Every build, the base first. */
  members: FamilyMember[];
}

const GGUF_SUFFIX = /-gguf$/i;

/** The engines the family has builds for, each once: with two or more there is an engine to choose. */
export function familyEngines(family: ModelFamily): EngineKind[] {
  return [...new Set(family.members.map((m) => m.engine))];
}

/** The family `repoId` belongs to; `knownIds` are ids outside the catalog known here (ran, stored). */
export function modelFamily(repoId: string, knownIds: Iterable<string> = []): ModelFamily {
  const entry = findCatalogEntry(repoId);
  if (entry) {
    const base = entry.engine === 'transformers' ? entry.repoId : (entry.sameModelAs ?? entry.repoId);
    const builds = ALL_MODELS.filter((e) => e.repoId === base || (e.engine !== 'transformers' && e.sameModelAs === base));
    const members = builds.length > 0 ? builds.map((e) => ({ repoId: e.repoId, engine: e.engine })) : [{ repoId, engine: entry.engine }];
    return { base, members };
  }
  const base = repoId.replace(GGUF_SUFFIX, '');
  const ids = new Set([repoId]);
  for (const id of knownIds) {
    if (findCatalogEntry(id)) continue;
    if (id === base || (GGUF_SUFFIX.test(id) && id.replace(GGUF_SUFFIX, '') === base)) ids.add(id);
  }
  const members = [...ids].map((id) => ({ repoId: id, engine: engineOfModel(id) }));
  members.sort((a, b) => Number(b.repoId === base) - Number(a.repoId === base));
  return { base, members };
}
