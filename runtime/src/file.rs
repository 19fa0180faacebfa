//! Files of multipart request bodies (`type: file` in the spec): a name, a content type and
//! the bytes, plus the trait generated multipart bodies implement to list and accept them.

use core::fmt;

/// An uploaded file.
///
/// `Debug` shows the size, not the bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct File {
    /// The file name sent with the part (`invoice.pdf`).
    pub name: String,
    /// The MIME type of the part (`application/pdf`).
    pub content_type: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

impl File {
    /// A file from its parts.
    pub fn new(
        name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        File {
            name: name.into(),
            content_type: content_type.into(),
            bytes: bytes.into(),
        }
    }

    /// The size in bytes.
    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    /// The lowercase extension of the name (`pdf`), if it has one.
    pub fn extension(&self) -> Option<String> {
        let (stem, extension) = self.name.rsplit_once('.')?;
        (!stem.is_empty() && !extension.is_empty()).then(|| extension.to_ascii_lowercase())
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// A request body that may carry files. Its serde form holds the other fields; the files are
/// listed and set through this trait (multipart parts named by the wire name).
pub trait MultipartBody {
    /// The wire names of the file fields, in spec order.
    const FILE_FIELDS: &'static [&'static str];

    /// The files that are set, with their wire names, in spec order.
    fn files(&self) -> Vec<(&'static str, &File)>;

    /// Sets the file field named `field`.
    ///
    /// # Errors
    ///
    /// Gives the file back when the body has no file field of that name.
    fn set_file(&mut self, field: &str, file: File) -> Result<(), File>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_and_debug() {
        let file = File::new("Report.PDF", "application/pdf", b"%PDF".to_vec());
        assert_eq!(file.extension().as_deref(), Some("pdf"));
        assert_eq!(file.size(), 4);
        assert_eq!(
            format!("{file:?}"),
            r#"File { name: "Report.PDF", content_type: "application/pdf", size: 4 }"#
        );
        assert_eq!(File::new(".env", "text/plain", vec![]).extension(), None);
        assert_eq!(File::new("noext", "text/plain", vec![]).extension(), None);
    }
}
