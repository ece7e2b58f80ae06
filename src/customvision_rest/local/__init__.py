"""Local prediction: run a Custom Vision ONNX export on this machine (extra ``[onnx]``: onnxruntime, numpy, Pillow).

::

    from customvision_rest.local import LocalPredictor

    predictor = LocalPredictor.from_export("model.zip", tags=trainer.get_tags(project_id))
    result = predictor.classify_image("apple.jpg")   # the Prediction client's ImagePrediction

Every layout of the service's exports is read: a probability tensor or the ``classLabel``/``loss`` pair for
classification, the YOLO-style grid or the ``detected_*`` outputs for object detection, BGR or RGB channels, pixels
0..255 or 0..1 (from the model metadata). Importing this package loads nothing heavy; onnxruntime is imported
when a model is loaded.
"""

from ._predictor import LOCAL_TAG_NAMESPACE, UNKNOWN_ID, YOLO_ANCHORS, AsyncLocalPredictor, LocalPredictor, ModelLayout

__all__ = ["LOCAL_TAG_NAMESPACE", "UNKNOWN_ID", "YOLO_ANCHORS", "AsyncLocalPredictor", "LocalPredictor", "ModelLayout"]
