"""The bilingual tables read by grader.text (one module per part of cnn-dojo)."""
