//! Comments (`comments.yaml`): internal notes on a contact's chat, addressed by the chat's
//! mobile number (digits); never sent to the contact. A chat exists once a message was sent.

use rusqlite::{OptionalExtension, params};
use crate::sql::Connection;
use wacr_server::models::{AddCommentBody, Comment, CommentAdded};

use super::delivery::{store_media, url_file_name};
use super::{Ctx, Error, Result, phone_key};
use crate::clock::Ts;

fn chat_id(conn: &Connection, ctx: &Ctx, mobile: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM chats WHERE tenant_id = ?1 AND mobile = ?2", params![ctx.tenant_id, phone_key(mobile)], |r| r.get(0))
        .optional()?
        .ok_or(Error::not_found("chat conversation"))
}

/// Get Comments: the chat's notes, newest first.
pub fn list(conn: &Connection, ctx: &Ctx, mobile: &str) -> Result<Vec<Comment>> {
    let chat = chat_id(conn, ctx, mobile)?;
    let mut stmt = conn.prepare(
        "SELECT id, message, type, COALESCE(status_message, ''), url, message_id, ref_message_id, created_at FROM chat_messages \
         WHERE tenant_id = ?1 AND chat_id = ?2 AND is_note = 1 ORDER BY created_at DESC, id DESC",
    )?;
    let rows = stmt
        .query_map(params![ctx.tenant_id, chat], |r| {
            Ok(Comment {
                id: r.get(0)?,
                message: r.get(1)?,
                r#type: r.get(2)?,
                status_message: Some(r.get(3)?),
                url: r.get(4)?,
                message_id: r.get(5)?,
                ref_message_id: r.get(6)?,
                created_at: Some(Ts(r.get(7)?).iso()),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Add Comment: the tenant's WhatsApp number is the sender; a media URL is "downloaded" (the
/// sandbox records its file name) and the note takes the media's type.
pub fn add(conn: &Connection, ctx: &Ctx, mobile: &str, new: &AddCommentBody) -> Result<CommentAdded> {
    let chat = chat_id(conn, ctx, mobile)?;
    let sender: String = conn.query_row("SELECT whatsapp_phone FROM tenants WHERE id = ?1", [ctx.tenant_id], |r| r.get(0))?;
    let status_message = new.status_message.clone().unwrap_or_else(|| "Internal comment".into());
    let (kind, url) = match &new.media_url {
        Some(media_url) => {
            let name = url_file_name(media_url);
            let kind = media_kind(&name);
            let stored = store_media(conn, ctx, kind, &name, None, Some(media_url))?;
            (kind, Some(url_file_name(&stored)))
        }
        None => ("text", None),
    };
    conn.execute(
        "INSERT INTO chat_messages (tenant_id, chat_id, is_note, type, message, status_message, url, message_id, ref_message_id, \
         sender_id, created_at) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![ctx.tenant_id, chat, kind, new.comment, status_message, url, new.message_id, new.ref_message_id, sender, ctx.now.0],
    )?;
    Ok(CommentAdded {
        tenant_id: ctx.tenant_id,
        interaction_id: chat,
        sender_id: sender,
        status_message,
        url,
        message_id: new.message_id.clone(),
        ref_message_id: new.ref_message_id.clone(),
        chat_message_id: conn.last_insert_rowid(),
    })
}

/// The note type of a media file, by extension.
fn media_kind(file_name: &str) -> &'static str {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" | "png" | "gif" | "webp" => "image",
        "mp3" | "ogg" | "amr" | "aac" | "opus" | "wav" | "m4a" => "audio",
        "mp4" | "3gp" | "mov" => "video",
        _ => "document",
    }
}

#[cfg(test)]
mod tests {
    use wacr_server::models::SendTextMessageBody;

    use super::*;
    use crate::store::messages;
    use crate::store::testing::Fixture;

    #[test]
    fn notes_need_a_chat_and_come_newest_first() {
        let mut f = Fixture::new();
        let ctx = f.ctx();
        assert_eq!(list(&f.conn, &ctx, "15550005001"), Err(Error::not_found("chat conversation")));
        let text = SendTextMessageBody::new("+1 555 000 5001", "hi");
        let sent = messages::send_text(&mut f.conn, &ctx, &text).unwrap();
        assert!(list(&f.conn, &ctx, "15550005001").unwrap().is_empty(), "messages are not notes");
        let first = add(&f.conn, &ctx, "15550005001", &AddCommentBody::new("<b>first</b>")).unwrap();
        assert_eq!((first.interaction_id, first.status_message.as_str()), (sent.chat_id, "Internal comment"));
        assert_eq!(first.sender_id, "15550001111");
        f.advance(1);
        let ctx = f.ctx();
        let media = AddCommentBody {
            media_url: Some("https://files.example.com/docs/invoice.pdf?sig=1".into()),
            message_id: Some("wamid.X".into()),
            ref_message_id: Some("wamid.Y".into()),
            status_message: Some("Billing".into()),
            ..AddCommentBody::new("invoice")
        };
        let second = add(&f.conn, &ctx, "+15550005001", &media).unwrap();
        assert!(second.url.as_deref().unwrap().ends_with("invoice.pdf"));
        let notes = list(&f.conn, &ctx, "15550005001").unwrap();
        assert_eq!(notes.iter().map(|n| n.id).collect::<Vec<_>>(), [second.chat_message_id, first.chat_message_id]);
        assert_eq!((notes[0].r#type.as_str(), notes[0].message_id.as_deref()), ("document", Some("wamid.X")));
        assert_eq!(list(&f.conn, &f.other_ctx(), "15550005001"), Err(Error::not_found("chat conversation")));
    }
}
