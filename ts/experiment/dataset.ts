import { z } from 'zod';
import { Target } from './target';

const Int = z.number().int();
const Side = Int.min(8).max(4096);
const Crop3D = z.tuple([Side, Side, Side]);
const PatientRegex = z
  .string()
  .refine((s) => {
    try {
      return new RegExp(s).exec('') !== undefined;
    } catch {
      return false;
    }
  }, 'not a valid regular expression')
  .optional()
  .describe('regex whose first capture group takes the patient id from a case id; default: each case is its own patient');
/** Which labels count as foreground: 'nonzero' (e.g. BraTS whole tumour, label > 0) or a list of labels. */
const Foreground = z.union([z.literal('nonzero'), z.array(Int.nonnegative()).min(1)]).default('nonzero');

/**
 * The user's own MONAI dict transforms (keys `image` and `label`), applied after plateau loads a
 * case: `train` to training items (augmentation, drawn anew each epoch), `eval` to validation and test.
 */
const Transforms = z
  .object({ train: z.array(Target).default([]), eval: z.array(Target).default([]) })
  .strict()
  .optional()
  .describe('MONAI dict transforms by _target_ (keys image, label); default: none');

/**
 * Several classes or regions instead of one foreground: name → the label values it covers (a
 * region such as BraTS's tumour core lists several). The mask gets one channel per entry, the
 * network one output per entry (sigmoid each), and the tests a Dice per class beside the mean.
 */
const Classes = z
  .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), z.array(Int.positive()).min(1))
  .refine((c) => Object.keys(c).length >= 1, 'at least one class')
  .optional()
  .describe('name → label values, e.g. {WT: [1, 2, 4], TC: [1, 4], ET: [4]}; replaces foreground');

/** MONAI's `create_test_image_2d`: seeded random circles on noise, a known foreground. */
export const Synthetic2D = z
  .object({
    kind: z.literal('synthetic-2d'),
    count: Int.positive().describe('images generated'),
    size: Int.min(16).max(1024).describe('image side in pixels'),
    objects: Int.positive().default(6).describe('circles per image'),
    radius_max: Int.positive().default(12),
    noise: z.number().min(0).max(1).default(0.5).describe('uniform noise amplitude'),
    seed: Int.nonnegative().default(0),
    transforms: Transforms,
    classes: Classes,
  })
  .strict();

/** MONAI's `create_test_image_3d`: seeded random spheres on noise. */
export const Synthetic3D = Synthetic2D.extend({
  kind: z.literal('synthetic-3d'),
  size: Int.min(16).max(256).describe('volume side in voxels'),
}).strict();

/** Kvasir-SEG layout: `images/*.jpg` and `masks/*.jpg` matched by file stem (any format Pillow reads). */
export const ImageFolder = z
  .object({
    kind: z.literal('image-folder'),
    root: z.string().min(1).describe('folder holding the image and mask folders'),
    images: z.string().default('images'),
    masks: z.string().default('masks'),
    size: z.tuple([Side, Side]).default([256, 256]).describe('[height, width] every image is resized to'),
    channels: z.literal([1, 3], { error: 'must be 1 (grey) or 3 (RGB)' }).default(3).describe('1 = grey, 3 = RGB'),
    mask_threshold: Int.min(0).max(254).default(127).describe('mask pixels above this are foreground'),
    patient_regex: PatientRegex,
    transforms: Transforms,
  })
  .strict();

/** BraTS 2020: `BraTS20_Training_XXX/BraTS20_Training_XXX_{flair,t1,t1ce,t2,seg}.nii(.gz)`. */
export const Brats2020 = z
  .object({
    kind: z.literal('brats2020'),
    root: z.string().min(1),
    modalities: z.array(z.enum(['t1', 't1ce', 't2', 'flair'])).min(1).default(['t1', 't1ce', 't2', 'flair']),
    crop: Crop3D.default([128, 128, 128]).describe('crop/pad around the brain'),
    foreground: Foreground.describe('whole tumour: nonzero'),
    patient_regex: PatientRegex,
    transforms: Transforms,
    classes: Classes,
  })
  .strict();

/** A Medical Segmentation Decathlon task: `dataset.json` read with MONAI's `load_decathlon_datalist`. */
export const Decathlon = z
  .object({
    kind: z.literal('decathlon'),
    root: z.string().min(1),
    datalist: z.string().default('dataset.json'),
    crop: Crop3D.default([128, 128, 128]),
    foreground: Foreground,
    patient_regex: PatientRegex,
    transforms: Transforms,
    classes: Classes,
  })
  .strict();

/** An nnU-Net raw data set: `imagesTr/<case>_0000.nii.gz` (one file per channel), `labelsTr/<case>.nii.gz`. */
export const NnUNet = z
  .object({
    kind: z.literal('nnunet'),
    root: z.string().min(1),
    crop: Crop3D.default([128, 128, 128]),
    foreground: Foreground,
    patient_regex: PatientRegex,
    transforms: Transforms,
    classes: Classes,
  })
  .strict();

/** Any data as a MONAI data list JSON (decathlon format), read by `LoadImaged`: PNG/JPEG, NIfTI, DICOM series. */
export const DataList = z
  .object({
    kind: z.literal('datalist'),
    datalist: z.string().min(1).describe('the JSON file; paths in it are relative to its folder'),
    key: z.string().min(1).default('training').describe('which list of the file holds the cases'),
    size: z.union([z.tuple([Side, Side]), Crop3D]).optional().describe('spatial size every image and label is resized to; default: as stored'),
    foreground: Foreground,
    id_key: z.string().min(1).optional().describe("entry field holding the case id; default: the label file's name"),
    patient_key: z.string().min(1).optional().describe('entry field holding the patient id'),
    patient_regex: PatientRegex,
    transforms: Transforms,
    classes: Classes,
  })
  .strict();

/** Data sets by `kind`; the trainer has one loader per member (py/plateau/data/). */
export const Dataset = z.discriminatedUnion('kind', [Synthetic2D, Synthetic3D, ImageFolder, Brats2020, Decathlon, NnUNet, DataList]);
export type Dataset = z.infer<typeof Dataset>;

/** Number of cases a data set holds, where the spec alone says so (synthetic ones). */
export function datasetCount(d: Dataset): number | undefined {
  return d.kind === 'synthetic-2d' || d.kind === 'synthetic-3d' ? d.count : undefined;
}

/** Spatial sides of every input when the spec fixes them (resize or crop), else undefined. */
export function spatialSides(d: Dataset): number[] | undefined {
  switch (d.kind) {
    case 'synthetic-2d':
      return [d.size, d.size];
    case 'synthetic-3d':
      return [d.size, d.size, d.size];
    case 'image-folder':
    case 'datalist':
      return d.size;
    default:
      return d.crop;
  }
}
