export {
  OnnxSegmentationModel,
  SEGMENTATION_MODEL_FILE,
  defaultSegmentationModelPath,
  segmentationFacts,
  type OnnxSegmentationOptions,
  type SegmentationFacts,
  type SegmentationModel,
} from './model.js';
